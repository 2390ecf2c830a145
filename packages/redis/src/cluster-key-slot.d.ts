// cluster-key-slot ships no types: the hash slot (CRC16 mod 16384, hash tags honoured) of a key.
declare module 'cluster-key-slot' {
  function calculateSlot(key: string | Buffer): number;
  namespace calculateSlot {
    /** The common slot of all the keys, or -1 when they span slots. */
    function generateMulti(keys: (string | Buffer)[]): number;
  }
  export default calculateSlot;
}
