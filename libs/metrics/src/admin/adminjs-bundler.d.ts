// adminjs exports ./bundler without types; the part of it we use, as its own declarations describe it.
declare module 'adminjs/bundler' {
  import type AdminJS from 'adminjs';
  import type { InputOptions, InputPluginOption } from 'rollup';
  export const ADMIN_JS_TMP_DIR: string;
  export const componentsBundler: {
    createEntry(options: { content: string }): Promise<void>;
    build(): Promise<void>;
    /** Rollup's input options; `plugins` is the array the bundler builds with. */
    inputOptions: { plugins: InputPluginOption[]; onLog?: InputOptions['onLog'] };
  };
  export function generateUserComponentEntry(admin: AdminJS, entryPath: string): string;
}
