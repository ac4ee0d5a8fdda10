using ScaiKeyDev;

using var stop = new CancellationTokenSource();
// Ctrl-C cancels instead of killing the process, so `serve` closes its listener and exits with 0.
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
return await Cli.RunAsync(args, Console.Out, Console.Error, stop.Token);
