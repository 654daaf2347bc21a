using Microsoft.AspNetCore.Http.HttpResults;
using MonitorGrid.Grains;
using MonitorGrid.Infrastructure;
using MonitorGrid.Web.Auth;
using MonitorGrid.Web.Infrastructure;

namespace MonitorGrid.Web.Api;

/// <summary>Sign-in request.</summary>
public sealed record TokenRequest(string? UserId, string? Password);

/// <summary>Sign-in response.</summary>
public sealed record TokenResponse(string AccessToken, DateTimeOffset ExpiresAt, Role Role, string Scope);

public static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/auth").WithTags("Auth").AllowAnonymous();
        group.MapPost("/token", IssueTokenAsync).WithName("IssueToken");
        return group;
    }

    private static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> IssueTokenAsync(
        TokenRequest request, IGrainFactory grains, TokenIssuer issuer)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrEmpty(request.UserId))
        {
            errors.Add("userId", "Required.");
        }

        if (string.IsNullOrEmpty(request.Password))
        {
            errors.Add("password", "Required.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        // An id that cannot exist gets the same answer as a wrong password.
        var account = Identifiers.IsValid(request.UserId)
            ? await grains.Staff(request.UserId).GetAccountAsync()
            : null;
        if (account is null || !PasswordHasher.Verify(request.Password!, account.PasswordHash))
        {
            return Problems.Unauthorized("Wrong user id or password.");
        }

        var (token, expiresAt) = issuer.Issue(account);
        return TypedResults.Ok(new TokenResponse(token, expiresAt, account.Role, account.Scope.ToString()));
    }
}
