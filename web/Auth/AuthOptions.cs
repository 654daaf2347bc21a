using System.ComponentModel.DataAnnotations;

namespace MonitorGrid.Web.Auth;

/// <summary>The <c>Auth</c> section: the built-in token issuer.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>The HMAC signing key (at least 32 characters). In demo mode a random key is made at start.</summary>
    [MinLength(SigningKeyProvider.MinimumKeyLength)]
    public string? SigningKey { get; set; }

    /// <summary>
    /// Keys being rotated out: tokens they signed are still accepted until they expire, new tokens are signed
    /// with <see cref="SigningKey"/> only (docs/operations.md, "Rotate the signing key").
    /// </summary>
    public List<string> PreviousSigningKeys { get; set; } = [];

    [Required] public string Issuer { get; set; } = "monitorgrid";

    [Required] public string Audience { get; set; } = "monitorgrid";

    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>PBKDF2 iterations for new password hashes.</summary>
    [Range(1_000, 10_000_000)]
    public int PasswordIterations { get; set; } = 100_000;
}
