export { assignCooperative, decodeClaims, encodeClaims } from './assignor.ts';
export { createKafkaBus, type KafkaBusOptions, springHeaders } from './bus.ts';
export { ASSIGNOR } from './member.ts';
export { javaPartition, murmur2 } from './partitioner.ts';
export { parseKafkaUrl } from './url.ts';
