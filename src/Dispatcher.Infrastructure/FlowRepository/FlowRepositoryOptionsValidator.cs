using Dispatcher.Domain.Common;
using Microsoft.Extensions.Options;

namespace Dispatcher.Infrastructure.FlowRepository;

/// <summary>Checks <see cref="FlowRepositoryOptions"/> on start; every message names the setting at fault.</summary>
internal sealed class FlowRepositoryOptionsValidator : IValidateOptions<FlowRepositoryOptions>
{
    private const string Section = FlowRepositoryOptions.SectionName;
    private const string Sdf = SdfOptions.SectionName;

    // The resilience pipeline's own limits: Polly rejects timeouts under 10 ms.
    private const double MinimumTimeoutSeconds = 0.01;
    private const int MaximumRetryAttempts = 10;

    public ValidateOptionsResult Validate(string? name, FlowRepositoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var baseUrl)
            || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"{Section}:BaseUrl must be an absolute http or https URL, got '{options.BaseUrl}'.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceToken))
        {
            failures.Add($"{Section}:ServiceToken is required when {Section}:BaseUrl is set.");
        }

        if (!(options.TimeoutSeconds >= MinimumTimeoutSeconds))
        {
            failures.Add($"{Section}:TimeoutSeconds must be at least {MinimumTimeoutSeconds}, got {options.TimeoutSeconds}.");
        }

        if (!(options.AttemptTimeoutSeconds >= MinimumTimeoutSeconds))
        {
            failures.Add($"{Section}:AttemptTimeoutSeconds must be at least {MinimumTimeoutSeconds}, got {options.AttemptTimeoutSeconds}.");
        }
        else if (options.AttemptTimeoutSeconds >= options.TimeoutSeconds)
        {
            failures.Add($"{Section}:AttemptTimeoutSeconds ({options.AttemptTimeoutSeconds}) must be less than " +
                $"{Section}:TimeoutSeconds ({options.TimeoutSeconds}).");
        }

        if (options.MaxRetryAttempts is < 0 or > MaximumRetryAttempts)
        {
            failures.Add($"{Section}:MaxRetryAttempts must be between 0 and {MaximumRetryAttempts}, got {options.MaxRetryAttempts}.");
        }

        if (!(options.RetryDelaySeconds >= 0))
        {
            failures.Add($"{Section}:RetryDelaySeconds must not be negative, got {options.RetryDelaySeconds}.");
        }

        ValidateSdf(options.Sdf, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateSdf(SdfOptions? sdf, List<string> failures)
    {
        if (sdf is null)
        {
            failures.Add($"{Sdf} is missing.");
            return;
        }

        RequireObjectId(sdf.ComponentId, $"{Sdf}:ComponentId", failures);
        RequireObjectId(sdf.PlaceholderComponentId, $"{Sdf}:PlaceholderComponentId", failures);
        RequireText(sdf.PublishFunction, $"{Sdf}:PublishFunction", failures);
        RequireText(sdf.ReceiveFunction, $"{Sdf}:ReceiveFunction", failures);
        RequireText(sdf.RecordFunction, $"{Sdf}:RecordFunction", failures);
        if (!string.IsNullOrWhiteSpace(sdf.AmqpUrl)
            && !(Uri.TryCreate(sdf.AmqpUrl, UriKind.Absolute, out var amqpUrl) && amqpUrl.Scheme is "amqp" or "amqps"))
        {
            // The value itself is not echoed: it may carry broker credentials.
            failures.Add($"{Sdf}:AmqpUrl must be empty or an amqp:// or amqps:// URL.");
        }
    }

    private static void RequireObjectId(string? value, string setting, List<string> failures)
    {
        if (!ObjectIdText.IsValid(value))
        {
            failures.Add($"{setting} must be 24 hexadecimal digits (a component id), got '{value}'.");
        }
    }

    private static void RequireText(string? value, string setting, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{setting} must not be empty.");
        }
    }
}
