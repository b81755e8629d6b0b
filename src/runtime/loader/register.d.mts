// Registers the TypeScript loader and the arco-flow resolver as a side effect; it exports nothing.
export {};
