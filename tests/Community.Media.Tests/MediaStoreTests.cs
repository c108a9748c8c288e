namespace Community.Media.Tests;

public sealed class MediaStoreTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "community-media-" + Guid.NewGuid().ToString("N"));
    private readonly MediaStore store;

    public MediaStoreTests() => store = new MediaStore(root);

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Same_bytes_are_stored_once_under_their_sha256()
    {
        byte[] bytes = [1, 2, 3, 4];

        var first = store.Save(bytes, ".webp");
        var second = store.Save([.. bytes], "webp");

        Assert.Equal("9f64a747e1b97f131fabb6b447296c9b6f0201e79fb3c5356e6c77e89b6a806a.webp", first.Name);
        Assert.Equal(first.Name, second.Name);
        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.True(File.Exists(Path.Combine(root, "9f", first.Name)));
        Assert.Single(Directory.GetFiles(root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Different_bytes_get_different_names_and_read_back_intact()
    {
        var a = store.Save([1], ".jpg");
        var b = store.Save([2], ".jpg");

        Assert.NotEqual(a.Name, b.Name);
        using var stream = store.Open(b.Name);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        Assert.Equal([2], copy.ToArray());
        Assert.True(store.Exists(a.Name));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("..")]
    [InlineData("9f/9f64a747e1b97f131fabb6b447296c9b6f0201e79fb3c5356e6c77e89b6a806a.webp")]
    [InlineData("9F64A747E1B97F131FABB6B447296C9B6F0201E79FB3C5356E6C77E89B6A806A.webp")]
    [InlineData("9f64a747e1b97f131fabb6b447296c9b6f0201e79fb3c5356e6c77e89b6a806a.html")]
    [InlineData("9f64a747e1b97f131fabb6b447296c9b6f0201e79fb3c5356e6c77e89b6a806a.webp\n")]
    [InlineData("9f64a747e1b97f131fabb6b447296c9b6f0201e79fb3c5356e6c77e89b6a806a")]
    [InlineData("/etc/passwd")]
    [InlineData("abc.webp")]
    [InlineData("")]
    public void Names_that_are_not_content_addresses_are_refused(string name)
    {
        Assert.False(MediaStore.IsValidName(name));
        Assert.Throws<ArgumentException>(() => store.Open(name));
        Assert.False(store.Exists(name));
    }

    [Theory]
    [InlineData(".html")]
    [InlineData(".svg")]
    [InlineData("/../x")]
    public void Unknown_extensions_are_refused(string extension) =>
        Assert.Throws<ArgumentException>(() => store.Save([1], extension));

    [Fact]
    public void Missing_file_is_not_found()
    {
        var name = new string('a', 64) + ".jpg";

        Assert.Throws<FileNotFoundException>(() => store.Open(name));
    }

    [Fact]
    public void Renditions_from_the_pipeline_store_under_their_own_hash()
    {
        var result = new ImagePipeline().Process(TestImages.Jpeg(400, 300), ImageKind.Story);

        foreach (var rendition in result.Renditions)
        {
            Assert.Equal(rendition.Sha256 + rendition.Extension, store.Save(rendition.Bytes, rendition.Extension).Name);
        }
    }
}
