// The module is one instance per process (one C_Initialize at a time): test classes run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
