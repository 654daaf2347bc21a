using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MonitorGrid.Web.Auth;

/// <summary>
/// Validates access tokens once and remembers the outcome until the token expires. A phone posts many
/// observations with one token, and a full validation (decode, JSON, HMAC, claims) was about a quarter
/// of the server's CPU for a request that does nothing else (docs/benchmarks.md). Safe because a token's
/// validity cannot change before it expires: the signing key is fixed for the life of the process
/// (rotating it means restarting the nodes) and tokens are not revocable. Only valid tokens are kept,
/// so a flood of bad tokens cannot fill the cache with failures; the cache empties when it is full.
/// </summary>
public sealed class ValidatedTokenCache(TimeProvider time) : TokenHandler
{
    private const int Capacity = 50_000;
    private readonly JsonWebTokenHandler _inner = new() { MapInboundClaims = false };
    private readonly ConcurrentDictionary<string, TokenValidationResult> _valid = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (_valid.TryGetValue(token, out var cached))
        {
            if (cached.SecurityToken.ValidTo > time.GetUtcNow().UtcDateTime)
            {
                // Each request gets its own identity: handlers and events may add claims to it.
                return new TokenValidationResult
                {
                    IsValid = true,
                    SecurityToken = cached.SecurityToken,
                    ClaimsIdentity = cached.ClaimsIdentity.Clone(),
                    Issuer = cached.Issuer,
                    TokenType = cached.TokenType,
                };
            }

            _valid.TryRemove(token, out _);
        }

        var result = await _inner.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid)
        {
            if (_valid.Count >= Capacity)
            {
                _valid.Clear();
            }

            _valid[token] = result;
        }

        return result;
    }

    public override SecurityToken ReadToken(string token) => _inner.ReadToken(token);
}
