using Upstander.Features.PeerSupport.Safety;

namespace Upstander.Features.PeerSupport.Requests;

/// <summary>English labels (localization keys) for a request's status and queue priority, shared by the pages.</summary>
public static class RequestLabels
{
    public static string Status(RequestStatus status) => status switch
    {
        RequestStatus.Waiting => "Waiting for a supporter",
        RequestStatus.Withdrawn => "Withdrawn",
        RequestStatus.Offered => "A supporter has been asked",
        RequestStatus.Active => "Talking with a supporter",
        RequestStatus.Closed => "Closed",
        _ => status.ToString(),
    };

    public static string Priority(QueuePriority priority) => priority switch
    {
        QueuePriority.Urgent => "Urgent",
        QueuePriority.Raised => "Raised",
        _ => "Routine",
    };
}
