using Xunit;

namespace MailStorage.Core.Tests.TestBeds;

/// <summary>
/// Tests that assert how long a lock wait takes. They run alone, after the parallel tests, because on a two-core CI
/// machine the other test classes running beside them delay a waiter's wake-up by hundreds of milliseconds, and then
/// a bound that holds for the code fails for the machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Timing-sensitive lock waits";
}
