namespace MonitorGrid.Tests.Infrastructure;

/// <summary>Tests against one shared web host.</summary>
[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<GridWebFactory>
{
    public const string Name = "web";
}

/// <summary>Tests against one shared in-process Orleans cluster with a controllable clock.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
