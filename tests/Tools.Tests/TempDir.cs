namespace ScaiVault.Tools.Tests;

/// <summary>A fresh key directory per test, so tests never share or overwrite each other's keys.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("scaikeydev-test-").FullName;

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { } // a leftover temp folder is not worth failing a test for
    }
}
