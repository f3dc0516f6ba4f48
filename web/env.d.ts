/** esbuild bundles imported style sheets into the entry's .css output; the import itself has no value. */
declare module "*.css";
