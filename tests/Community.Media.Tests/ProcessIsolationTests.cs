namespace Community.Media.Tests;

/// <summary>
/// libvips must not load its modules: vips-openslide pulls the system libsqlite3 into the process with global symbols,
/// which then takes over calls inside the app's own SQLite and crashes it during a WAL checkpoint.
/// </summary>
public sealed class ProcessIsolationTests
{
    [Fact]
    public void Initialising_libvips_loads_no_modules_and_no_system_sqlite()
    {
        new ImagePipeline().Process(TestImages.Jpeg(64, 48), ImageKind.Story);
        var maps = File.ReadAllText("/proc/self/maps");
        Assert.DoesNotContain("vips-modules", maps, StringComparison.Ordinal);
        Assert.DoesNotContain("/libsqlite3.so", maps, StringComparison.Ordinal);
    }
}
