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

    /// <summary>
    /// Issue #10: the libvips in the process is NetVips.Native's self-contained build (no modules, its dependencies linked
    /// in), never Debian's libvips42 with its modules and shared libraries, even where that package is still installed.
    /// </summary>
    [Fact]
    public void The_bundled_libvips_is_loaded_not_the_system_one()
    {
        new ImagePipeline().Process(TestImages.Jpeg(64, 48), ImageKind.Story);
        var libraries = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(5).FirstOrDefault())
            .Where(path => path is not null && path.Contains("libvips", StringComparison.Ordinal))
            .Distinct()
            .ToList();

        var libvips = Assert.Single(libraries);
        Assert.EndsWith("/runtimes/linux-x64/native/libvips.so.42", libvips, StringComparison.Ordinal);
        Assert.Equal(8, NetVips.NetVips.Version(0));
        Assert.True(NetVips.NetVips.Version(1) >= 18, $"libvips 8.{NetVips.NetVips.Version(1)}");
    }
}
