export { vectorsDir, readJsonTree, toolAvailable } from './vectors.js';
