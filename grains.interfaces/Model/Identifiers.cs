using System.Diagnostics.CodeAnalysis;

namespace MonitorGrid;

/// <summary>The roster's identifier rule: 1-64 characters of <c>A-Z a-z 0-9 . _ -</c>.</summary>
public static class Identifiers
{
    /// <summary>The longest identifier the roster accepts.</summary>
    public const int MaxLength = 64;

    /// <summary>Whether <paramref name="value"/> is a valid roster identifier.</summary>
    public static bool IsValid([NotNullWhen(true)] string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
