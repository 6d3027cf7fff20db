// Kept for scripts that import it here: bundling lives in @bounded/bundle.
export { bundle } from '@bounded/bundle';
