namespace ScaiVault.Bench.Federation;

// A benchmark, not a test: it prints figures whatever they are. BENCH_FED_BACKEND picks the scenario:
// vault (default): VaultBench.cs; aws: AsmBench.cs. (A class, not top-level statements: those would be a second
// type named Program next to the ScaiVault host's.)
internal static class FederationBench
{
    public static async Task<int> Main()
    {
        var backend = Environment.GetEnvironmentVariable("BENCH_FED_BACKEND") ?? "vault";
        switch (backend)
        {
            case "vault":
                await VaultBench.RunAsync(Setting("BENCH_FED_SECRETS", 10_000), Setting("BENCH_FED_READS", 2_000));
                return 0;
            case "aws":
                await AsmBench.RunAsync(Setting("BENCH_FED_SECRETS", 5_000));
                return 0;
            default:
                Console.Error.WriteLine($"BENCH_FED_BACKEND must be vault or aws, not '{backend}'.");
                return 2;
        }
    }

    private static int Setting(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out var n) ? n : fallback;
}
