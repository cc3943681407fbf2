using Dispatcher.Application.Common.Behaviours;
using Dispatcher.Application.Common.Errors;
using FluentValidation;
using Mediator;

namespace Dispatcher.Application.Tests.Common;

public sealed class ValidationBehaviourTests
{
    public sealed record Ping(string Name, int Count) : IRequest<string>;

    private sealed class NameValidator : AbstractValidator<Ping>
    {
        public NameValidator() => RuleFor(p => p.Name).NotEmpty();
    }

    private sealed class CountValidator : AbstractValidator<Ping>
    {
        public CountValidator() => RuleFor(p => p.Count).GreaterThan(0);
    }

    [Test]
    public async Task Reports_every_failure_of_every_validator_and_never_calls_the_handler()
    {
        var behaviour = new ValidationBehaviour<Ping, string>([new NameValidator(), new CountValidator()]);
        var called = false;

        var act = async () => await behaviour.Handle(new Ping("", 0), (_, _) =>
        {
            called = true;
            return ValueTask.FromResult("pong");
        }, CancellationToken.None);

        var failure = (await act.Should().ThrowAsync<RequestValidationException>()).Which;
        failure.Failures.Select(f => f.PropertyName).Should().BeEquivalentTo("Name", "Count");
        called.Should().BeFalse();
    }

    [Test]
    public async Task Passes_a_valid_message_to_the_handler()
    {
        var behaviour = new ValidationBehaviour<Ping, string>([new NameValidator(), new CountValidator()]);

        var result = await behaviour.Handle(new Ping("x", 1), (m, _) => ValueTask.FromResult($"pong {m.Name}"), CancellationToken.None);

        result.Should().Be("pong x");
    }
}
