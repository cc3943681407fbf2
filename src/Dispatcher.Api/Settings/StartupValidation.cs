using Microsoft.Extensions.Options;

namespace Dispatcher.Api.Settings;

/// <summary>
/// Turns invalid configuration into one clear message naming each setting at fault, instead of a stack trace:
/// every option registered with <c>ValidateOnStart</c> is validated right after the host is built, before anything
/// (the bus, the health checks) uses a value.
/// </summary>
public static class StartupValidation
{
    /// <summary>The first line of the message.</summary>
    public const string Heading = "Invalid configuration; the service does not start:";

    /// <summary>Validates every option registered with <c>ValidateOnStart</c>; the failures, or an empty list.</summary>
    public static IReadOnlyList<string> Validate(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return [];
        }
        catch (Exception e) when (Failures(e) is { Count: > 0 } failures)
        {
            return failures;
        }
    }

    /// <summary>
    /// The setting failures <paramref name="exception"/> stands for: option validation failures, configuration values
    /// that do not convert, and alias errors; empty for any other exception (a bug, to be reported with its stack).
    /// </summary>
    public static IReadOnlyList<string> Failures(Exception exception) => exception switch
    {
        OptionsValidationException e => [.. e.Failures],
        AggregateException e => [.. e.Flatten().InnerExceptions.SelectMany(Failures)],
        InvalidSettingException e => [e.Message],
        // A value the configuration binder cannot convert: recognised by its thrower, not by its (localisable) text,
        // which names the key ("Failed to convert configuration value … at 'X' to type …").
        InvalidOperationException e when e.TargetSite?.DeclaringType == typeof(ConfigurationBinder) => [e.Message],
        _ => [],
    };

    /// <summary>
    /// Stops the start. As the process's entry point: writes <see cref="Describe"/> to standard error and returns the
    /// exit code (1), so an operator reads one message and no stack trace. Hosted by something else (a test host such as
    /// <c>WebApplicationFactory</c>): throws <see cref="InvalidConfigurationException"/> with the same message, so the
    /// caller learns why the host did not start.
    /// </summary>
    public static int Fail(IReadOnlyCollection<string> failures)
    {
        if (System.Reflection.Assembly.GetEntryAssembly() != typeof(StartupValidation).Assembly)
        {
            throw new InvalidConfigurationException(failures);
        }

        Console.Error.WriteLine(Describe(failures));
        return 1;
    }

    /// <summary>The message written to standard error.</summary>
    public static string Describe(IEnumerable<string> failures) =>
        string.Join(Environment.NewLine, [Heading, .. failures.Distinct().Select(f => $"  - {f}")]);
}

/// <summary>The configuration is invalid; the message lists every setting at fault (see <see cref="StartupValidation.Describe"/>).</summary>
public sealed class InvalidConfigurationException(IReadOnlyCollection<string> failures) : Exception(StartupValidation.Describe(failures))
{
    /// <summary>One message per setting at fault.</summary>
    public IReadOnlyCollection<string> Failures { get; } = failures;
}

/// <summary>A setting (or an alias of one) whose value cannot be used; the message names it.</summary>
public sealed class InvalidSettingException(string message) : Exception(message);
