namespace MultiAgg.Generators.Tests.Infrastructure;

/// <summary>
/// The test classes whose evaluations, workers and sources wait on one another (the async window, CPU-parallel
/// methods, async selectors). They run alone, after the others: beside the tests that compile and run generated code
/// on both cores, the thread pool can stall for longer than a test gives one evaluation to overtake another.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConcurrencyCollection
{
    public const string Name = "Concurrency";
}
