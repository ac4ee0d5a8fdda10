using JasperFx;
using ScaiVault.Http.Audit;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Federation;
using ScaiVault.Http.Setup;
using Wolverine.Http;

var builder = WebApplication.CreateBuilder(args);
builder.AddScaiVaultLogging();
var settings = ScaiVaultSettings.From(builder.Configuration, builder.Environment.ContentRootPath);
builder.Services.AddSingleton(settings);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
});
if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://127.0.0.1:8200");

builder.AddScaiVaultStore(settings);
builder.AddScaiVaultSecurity(settings);
builder.AddScaiVaultIdentities(settings);
builder.AddScaiVaultMessaging();
builder.AddScaiVaultFeatures();
builder.AddScaiVaultAudit(settings);
builder.AddScaiVaultFederation();

var app = builder.Build();
app.UseScaiVaultAudit();
app.UseMiddleware<RequestEnvelopeMiddleware>();
app.UseAuthentication();
app.UseMiddleware<TenantPrefixMiddleware>();
app.UseRouting();
app.UseAuthorization();
app.MapWolverineEndpoints(opts => opts.RequireAuthorizeOnAll());
app.PrintBannerWhenStarted();
return await app.RunJasperFxCommands(args);

public partial class Program;
