export { createNatsBus, KEY_HEADER, type NatsBusOptions, parseNatsUrl } from './bus.ts';
