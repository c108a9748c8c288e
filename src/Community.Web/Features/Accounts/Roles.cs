namespace Community.Web.Features.Accounts;

public static class Roles
{
    public const string Member = "Member";
    public const string Moderator = "Moderator";
    public const string Marketing = "Marketing";
    public const string Admin = "Admin";

    public static readonly IReadOnlyList<string> All = [Member, Moderator, Marketing, Admin];
}

/// <summary>Authorization policy names, one per capability, so endpoints never spell role lists.</summary>
public static class Policies
{
    public const string Moderate = "moderate";
    public const string Publish = "publish";
    public const string Administer = "administer";
}
