// The floor of ops/bench: what one primary-key SELECT of a 1 KB row costs behind a bare ASP.NET Core
// minimal endpoint on this machine. ScaiVault's read path is measured against it.
//
//   FLOOR_DB="Host=127.0.0.1;Port=...;Username=postgres;Database=scaivault" dotnet ScaiVault.Bench.Floor.dll --urls http://127.0.0.1:PORT
//   GET /row/1  ->  the 1 KB JSON row, application/json
using Npgsql;

var builder = WebApplication.CreateBuilder(args);
// Warnings and errors only: no log line per request (the web templates set "Microsoft.AspNetCore": "Warning").
builder.Logging.ClearProviders();
builder.Logging.AddConsole();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

var connection = new NpgsqlConnectionStringBuilder(builder.Configuration["FLOOR_DB"]
    ?? throw new InvalidOperationException("Set FLOOR_DB to an Npgsql connection string."));
if (!builder.Configuration["FLOOR_DB"]!.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase)) connection.MaxPoolSize = 16;
if (!builder.Configuration["FLOOR_DB"]!.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase)) connection.MaxAutoPrepare = 16;
connection.ApplicationName = "scaivault-bench-floor";
await using var dataSource = new NpgsqlDataSourceBuilder(connection.ConnectionString).Build();

// One 1 KB JSON row, (re)created at every start.
var payload = "{\"value\":\"" + new string('x', 1024 - 12) + "\"}";
await using (var create = dataSource.CreateCommand("CREATE TABLE IF NOT EXISTS bench_floor (id integer PRIMARY KEY, payload text NOT NULL)"))
    await create.ExecuteNonQueryAsync();
await using (var insert = dataSource.CreateCommand(
    "INSERT INTO bench_floor (id, payload) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET payload = excluded.payload"))
{
    insert.Parameters.AddWithValue(payload);
    await insert.ExecuteNonQueryAsync();
}

var app = builder.Build();
app.MapGet("/healthz", () => Results.Text("ok"));
app.MapGet("/row/{id:int}", async (int id, CancellationToken ct) =>
{
    await using var command = dataSource.CreateCommand("SELECT payload FROM bench_floor WHERE id = $1");
    command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = id });
    var row = await command.ExecuteScalarAsync(ct) as string;
    return row is null ? Results.NotFound() : Results.Text(row, "application/json");
});
await app.RunAsync();
