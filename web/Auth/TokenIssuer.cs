using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MonitorGrid.Web.Auth;

/// <summary>Signs access tokens for roster staff.</summary>
public sealed class TokenIssuer(IOptions<AuthOptions> options, SigningKeyProvider keys, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();

    public (string Token, DateTimeOffset ExpiresAt) Issue(StaffAccount account)
    {
        var now = time.GetUtcNow();
        var expires = now + options.Value.TokenLifetime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256),
            Subject = new ClaimsIdentity(
            [
                new Claim(Caller.SubjectClaim, account.Id),
                new Claim("name", account.Name),
                new Claim(Caller.RoleClaim, account.Role.ToString()),
                new Claim(Caller.ScopeClaim, account.Scope.ToString()),
            ]),
        };
        return (_handler.CreateToken(descriptor), expires);
    }
}

/// <summary>The signing key: from configuration, or made at start in demo mode (tokens then die with the process).</summary>
public sealed class SigningKeyProvider
{
    public SigningKeyProvider(IOptions<AuthOptions> options, IConfiguration configuration)
    {
        var configured = options.Value.SigningKey;
        if (string.IsNullOrEmpty(configured))
        {
            if (!MonitorGrid.Hosting.GridSiloExtensions.IsInMemory(configuration))
            {
                throw new OptionsValidationException(AuthOptions.Section, typeof(AuthOptions),
                    ["Auth:SigningKey is required when the grid runs on PostgreSQL."]);
            }

            Key = new SymmetricSecurityKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            IsEphemeral = true;
        }
        else
        {
            Key = new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(configured));
        }

        var previous = options.Value.PreviousSigningKeys.Where(k => !string.IsNullOrEmpty(k)).ToList();
        if (previous.Find(k => k.Length < MinimumKeyLength) is not null)
        {
            throw new OptionsValidationException(AuthOptions.Section, typeof(AuthOptions),
                [$"Every Auth:PreviousSigningKeys entry must be at least {MinimumKeyLength} characters long."]);
        }

        ValidationKeys = [Key, .. previous.Select(k => new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(k)))];
    }

    /// <summary>The shortest key accepted, as <see cref="AuthOptions.SigningKey"/> requires.</summary>
    public const int MinimumKeyLength = 32;

    /// <summary>The key new tokens are signed with.</summary>
    public SymmetricSecurityKey Key { get; }

    /// <summary>The keys a presented token may be signed with: <see cref="Key"/> first, then the ones being rotated out.</summary>
    public IReadOnlyList<SymmetricSecurityKey> ValidationKeys { get; }

    public bool IsEphemeral { get; }
}
