// adminjs exports ./bundler without types; the part of it we use, as its own declarations describe it.
declare module 'adminjs/bundler' {
  import type AdminJS from 'adminjs';
  export const ADMIN_JS_TMP_DIR: string;
  export const componentsBundler: {
    createEntry(options: { content: string }): Promise<void>;
    build(): Promise<void>;
  };
  export function generateUserComponentEntry(admin: AdminJS, entryPath: string): string;
}
