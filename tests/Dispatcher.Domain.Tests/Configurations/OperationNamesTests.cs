using Dispatcher.Domain.Configurations;

namespace Dispatcher.Domain.Tests.Configurations;

public sealed class OperationNamesTests
{
    [TestCase(Operation.Create, "CREATE")]
    [TestCase(Operation.Update, "UPDATE")]
    [TestCase(Operation.Delete, "DELETE")]
    public void Every_operation_has_one_upper_case_name_that_reads_back(Operation operation, string name)
    {
        OperationNames.ToText(operation).Should().Be(name);
        OperationNames.TryParse(name, out var parsed).Should().BeTrue();
        parsed.Should().Be(operation);
        OperationNames.TryParse(name.ToLowerInvariant(), out parsed).Should().BeTrue("names are read in any case");
        parsed.Should().Be(operation);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("1")]
    [TestCase("0")]
    [TestCase("CREATE,UPDATE")]
    [TestCase(" CREATE")]
    [TestCase("created")]
    public void Anything_but_the_three_names_is_refused(string? text)
    {
        OperationNames.TryParse(text, out _).Should().BeFalse();
    }
}
