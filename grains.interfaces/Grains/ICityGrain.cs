namespace MonitorGrid.Grains;

/// <summary>The city: aggregate counts only, never identities.</summary>
[Alias("mg.ICityGrain")]
public interface ICityGrain : IAggregateGrain
{
}
