using Dispatcher.LoadTest;

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

switch (options.Mode)
{
    case "run":
        return await new LoadRun(options).RunAsync();
    case "startup":
        return await new StartupRun(options).RunAsync();
    case "relay":
        return await Relay.RunAsync(options);
    case "report":
        return Report.Run(options);
    default:
        Console.Error.WriteLine(LoadOptions.Usage);
        return 2;
}
