using System.Security.Claims;

namespace MonitorGrid.Web.Auth;

/// <summary>The authenticated staff member behind a request or hub connection.</summary>
public sealed record Caller(string UserId, Role Role, Scope Scope)
{
    public const string ScopeClaim = "scope";
    public const string RoleClaim = "role";
    public const string SubjectClaim = "sub";

    public Actor Actor => new(UserId, Role);

    /// <summary>Reads the caller from a validated token's claims; null if any claim is missing or malformed.</summary>
    public static Caller? From(ClaimsPrincipal? user)
    {
        var id = user?.FindFirstValue(SubjectClaim);
        var role = user?.FindFirstValue(RoleClaim);
        var scope = user?.FindFirstValue(ScopeClaim);
        return id is not null
            && Enum.TryParse<Role>(role, ignoreCase: false, out var r)
            && Scope.TryParse(scope, out var s)
            ? new Caller(id, r, s)
            : null;
    }
}
