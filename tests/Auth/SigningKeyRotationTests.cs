using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MonitorGrid.Web.Auth;

namespace MonitorGrid.Tests.Auth;

/// <summary>
/// Rotating the signing key (docs/operations.md): a host given a new <c>Auth:SigningKey</c> and the old one in
/// <c>Auth:PreviousSigningKeys</c> keeps accepting the tokens already handed out and signs new ones with the new key only.
/// </summary>
public sealed class SigningKeyRotationTests : IAsyncLifetime
{
    private const string OldKey = "rotation-test-old-signing-key-0123456789";
    private const string NewKey = "rotation-test-new-signing-key-9876543210";
    private const string UnknownKey = "rotation-test-some-other-key-abcdefghij";

    private readonly GridWebFactory _web = new(null, new Dictionary<string, string>
    {
        ["Auth:SigningKey"] = NewKey,
        ["Auth:PreviousSigningKeys:0"] = OldKey,
    });

    public Task InitializeAsync() => _web.InitializeAsync();

    public Task DisposeAsync() => _web.DisposeAsync().AsTask();

    [Fact]
    public async Task A_token_signed_with_the_key_being_rotated_out_is_still_accepted()
    {
        using var client = ClientWith(TokenSignedWith(OldKey));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/scopes/city")).StatusCode);
    }

    [Fact]
    public async Task A_token_signed_with_a_key_the_host_does_not_know_is_refused()
    {
        using var client = ClientWith(TokenSignedWith(UnknownKey));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/scopes/city")).StatusCode);
    }

    [Fact]
    public async Task New_tokens_are_signed_with_the_new_key_only()
    {
        var token = await _web.TokenForAsync("admin");

        Assert.True(await SignatureHoldsAsync(token, NewKey));
        Assert.False(await SignatureHoldsAsync(token, OldKey));
        using var client = ClientWith(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/scopes/city")).StatusCode);
    }

    [Fact]
    public void A_previous_key_shorter_than_a_signing_key_may_be_is_refused_at_start()
    {
        var options = Options.Create(new AuthOptions { SigningKey = NewKey, PreviousSigningKeys = ["too-short"] });

        var error = Assert.Throws<OptionsValidationException>(() => new SigningKeyProvider(options, new ConfigurationBuilder().Build()));

        Assert.Contains("PreviousSigningKeys", error.Message, StringComparison.Ordinal);
    }

    private HttpClient ClientWith(string token)
    {
        var client = _web.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    /// <summary>An admin token as a host whose only key is <paramref name="key"/> issues it.</summary>
    private static string TokenSignedWith(string key)
    {
        var options = Options.Create(new AuthOptions { SigningKey = key });
        var issuer = new TokenIssuer(options, new SigningKeyProvider(options, new ConfigurationBuilder().Build()), TimeProvider.System);
        return issuer.Issue(new StaffAccount("admin", "管理员", Role.Admin, Scope.City, "")).Token;
    }

    private static async Task<bool> SignatureHoldsAsync(string token, string key)
    {
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "monitorgrid",
            ValidAudience = "monitorgrid",
            IssuerSigningKey = new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(key)),
        });
        return result.IsValid;
    }
}
