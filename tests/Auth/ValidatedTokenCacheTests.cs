using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MonitorGrid.Web.Auth;

namespace MonitorGrid.Tests.Auth;

/// <summary>The token cache answers exactly as a full validation would, only faster.</summary>
public sealed class The_validated_token_cache_never_accepts_what_validation_would_refuse
{
    private static readonly SymmetricSecurityKey Key = new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private static readonly TokenValidationParameters Parameters = new()
    {
        ValidIssuer = "monitorgrid",
        ValidAudience = "monitorgrid",
        IssuerSigningKey = Key,
        ClockSkew = TimeSpan.Zero,
    };

    [Fact]
    public async Task A_token_validated_once_is_answered_from_the_cache_with_a_copy_of_its_identity()
    {
        var cache = new ValidatedTokenCache(TimeProvider.System);
        var token = Token(DateTime.UtcNow.AddMinutes(10));

        var first = await cache.ValidateTokenAsync(token, Parameters);
        var second = await cache.ValidateTokenAsync(token, Parameters);

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal("ht-1", second.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.Equal("HeadTeacher", second.ClaimsIdentity.FindFirst("role")?.Value);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        second.ClaimsIdentity.AddClaim(new Claim("extra", "x"));
        Assert.Null((await cache.ValidateTokenAsync(token, Parameters)).ClaimsIdentity.FindFirst("extra"));
    }

    [Fact]
    public async Task A_cached_token_is_refused_once_it_expires()
    {
        var cache = new ValidatedTokenCache(TimeProvider.System);
        var token = Token(DateTime.UtcNow.AddSeconds(2));
        Assert.True((await cache.ValidateTokenAsync(token, Parameters)).IsValid);

        await Task.Delay(TimeSpan.FromSeconds(2.5));

        var later = await cache.ValidateTokenAsync(token, Parameters);
        Assert.False(later.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(later.Exception);
    }

    [Fact]
    public async Task A_token_with_a_bad_signature_is_refused_every_time()
    {
        var cache = new ValidatedTokenCache(TimeProvider.System);
        var token = Token(DateTime.UtcNow.AddMinutes(10));
        var forged = token[..^4] + (token[^4..] == "AAAA" ? "BBBB" : "AAAA");

        Assert.False((await cache.ValidateTokenAsync(forged, Parameters)).IsValid);
        Assert.True((await cache.ValidateTokenAsync(token, Parameters)).IsValid);
        Assert.False((await cache.ValidateTokenAsync(forged, Parameters)).IsValid);
    }

    private static string Token(DateTime expires) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "monitorgrid",
        Audience = "monitorgrid",
        NotBefore = DateTime.UtcNow.AddMinutes(-1),
        IssuedAt = DateTime.UtcNow.AddMinutes(-1),
        Expires = expires,
        SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
        Subject = new ClaimsIdentity([new Claim("sub", "ht-1"), new Claim("role", "HeadTeacher")]),
    });
}
