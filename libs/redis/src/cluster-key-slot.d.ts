/** Redis Cluster's CRC16 slot of a key (its hash tag if any); the package ioredis itself routes with. */
declare module 'cluster-key-slot' {
  function calculateSlot(key: string): number;
  export = calculateSlot;
}
