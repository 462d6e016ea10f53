/** The resolved `prometheusEndpoint` extra: where the route lives and the optional scrape token. */
export interface PrometheusEndpointSettings {
  enabled: boolean;
  path: string;
  scrapeToken: string | null;
}
export const PROMETHEUS_ENDPOINT = Symbol('PROMETHEUS_ENDPOINT');
