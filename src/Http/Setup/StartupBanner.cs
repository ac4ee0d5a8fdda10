using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using ScaiVault.Http.Auth;

namespace ScaiVault.Http.Setup;

public static class StartupBanner
{
    /// <summary>
    /// Prints where ScaiVault listens and, when it generated one, the bootstrap root token (as
    /// <c>vault server -dev</c> does). Written to the console only, never to the log pipeline.
    /// </summary>
    public static void PrintBannerWhenStarted(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var token = app.Services.GetRequiredService<RootToken>();
            var generated = app.Services.GetRequiredService<BootstrapInfo>().TokenGenerated;
            Console.WriteLine();
            Console.WriteLine("ScaiVault is running.");
            foreach (var address in addresses) Console.WriteLine($"  Listening on:  {address}");
            Console.WriteLine(generated
                ? $"  Root token:    {token.Value}\n  (generated for this run; set SCAIVAULT_ROOT_TOKEN to choose your own)"
                : "  Root token:    the value of SCAIVAULT_ROOT_TOKEN");
            Console.WriteLine();
        });
    }
}
