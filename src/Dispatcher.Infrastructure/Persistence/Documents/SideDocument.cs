namespace Dispatcher.Infrastructure.Persistence.Documents;

/// <summary>The stored form of one side of an app (<c>outbound</c> or <c>inbound</c>).</summary>
internal sealed class SideDocument
{
    public bool Active { get; set; }

    public List<ConnectionDocument>? Flows { get; set; }
}
