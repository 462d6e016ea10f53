/**
 * Where a metric's numbers come from; a source that is not connected makes its metrics null. Its own file because
 * both the catalog's types and the fact registry's name it, and the catalog's types name the registry's facts.
 */
export type MetricSource = 'lifecycle' | 'activity' | 'activation' | 'jobs' | 'ai' | 'api' | 'billing' | 'config';
