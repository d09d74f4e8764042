using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators.Tests;

/// <summary>The public contract (DESIGN.md §3) and the generator's private mirror of it agree.</summary>
public class ContractTests
{
    [Fact]
    public void GeneratorAggregateKindsMirrorTheAggEnum()
    {
        var public_ = Enum.GetValues<Agg>().ToDictionary(static a => a.ToString(), static a => (int)a);
        var mirror = Enum.GetValues<AggregateKind>()
            .Where(static a => a != AggregateKind.Custom)   // [Aggregate(typeof(...))], not an Agg member
            .ToDictionary(static a => a.ToString(), static a => (int)a);
        Assert.Equal(public_, mirror);
        Assert.False(Enum.IsDefined(typeof(Agg), (int)AggregateKind.Custom));
    }

    [Fact]
    public void AggregateAttributeIsRepeatableOnMethodsAndAccumulatorTypesAndNotInherited()
    {
        AssertUsage(typeof(AggregateAttribute), allowMultiple: true, inherited: false);
        Assert.Equal(Generators.AggregateGenerator.AggregateAttributeName, typeof(AggregateAttribute).FullName);

        var attribute = new AggregateAttribute(Agg.Sum, Agg.Max) { Of = "Total", Where = "IsPaid" };
        Assert.Equal(new[] { Agg.Sum, Agg.Max }, attribute.Aggregates);
    }

    /// <summary>DESIGN.md §3.1 declares it with <c>AttributeTargets.Method</c> only (§6 adds the types): once per target, inherited.</summary>
    [Fact]
    public void GroupByAttributeIsDeclaredAsTheContractSays()
    {
        AssertUsage(typeof(GroupByAttribute), allowMultiple: false, inherited: true);
        Assert.Equal("Region", new GroupByAttribute("Region").Key);
    }

    /// <summary>An attribute of the contract sits on methods and (DESIGN.md §6) accumulator types, as declared there.</summary>
    private static void AssertUsage(Type attribute, bool allowMultiple, bool inherited)
    {
        var usage = (AttributeUsageAttribute)Attribute.GetCustomAttribute(attribute, typeof(AttributeUsageAttribute))!;
        Assert.Equal(AttributeTargets.Method | AttributeTargets.Struct | AttributeTargets.Class, usage.ValidOn);
        Assert.Equal((allowMultiple, inherited), (usage.AllowMultiple, usage.Inherited));
    }

    [Fact]
    public void ExactSumsAreExactAcrossWrapArounds()
    {
        var signed = new Accumulators.ExactInt64Sum();
        foreach (var v in new[] { long.MaxValue, long.MaxValue, long.MinValue, long.MinValue, 5 })
        {
            signed.Add(v);
        }

        Assert.Equal(3L, signed.Total);   // -2 + 5: the two upward and two downward wraps cancel

        var unsigned = new Accumulators.ExactUInt64Sum();
        unsigned.Add(ulong.MaxValue);
        unsigned.Add(1);
        Assert.False(unsigned.FitsUInt64);
        Assert.Throws<OverflowException>(() => unsigned.Total);
    }
}
