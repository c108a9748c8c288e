namespace Community.Tests.Infrastructure;

/// <summary>
/// A test that needs a real PostgreSQL server. test.sh starts one and sets COMMUNITY_TEST_POSTGRES
/// (an Npgsql connection string for a role that may create databases); without it the test is skipped and says why.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public static string? ConnectionString => Environment.GetEnvironmentVariable("COMMUNITY_TEST_POSTGRES");

    public PostgresFactAttribute()
    {
        if (string.IsNullOrEmpty(ConnectionString)) Skip = "COMMUNITY_TEST_POSTGRES is not set (./test.sh sets it).";
    }
}
