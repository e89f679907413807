//! The lifecycle table: what each transitional status settles into, and what event it emits.
//!
//! Pure functions of the current status. The service sets a status with a due time; when the
//! time comes, the driver asks this table what follows. Reading never moves a resource.

use crate::model::{ClusterStatus, InstanceStatus};

/// What a transitional status settles into when its due time comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settle<S> {
    /// The resource moves to this status; an event with (category, message) may be recorded.
    To(S, Option<(&'static str, &'static str)>),
    /// The resource is gone (deleted).
    Gone,
    /// Nothing is pending in this status.
    Stay,
}

/// The cluster half of the table.
pub fn cluster(status: ClusterStatus) -> Settle<ClusterStatus> {
    use ClusterStatus::*;
    match status {
        Creating => Settle::To(Available, Some(("creation", "DB cluster created."))),
        Modifying | Rebooting => Settle::To(Available, None),
        Stopping => Settle::To(Stopped, Some(("notification", "DB cluster stopped."))),
        Starting => Settle::To(Available, Some(("notification", "DB cluster started."))),
        // The failover event names the new writer, so the service writes it.
        FailingOver => Settle::To(Available, None),
        Deleting => Settle::Gone,
        // A backtrack settles through its own record, not through the cluster's due time.
        Available | Stopped | Backtracking | IncompatibleRestore => Settle::Stay,
    }
}

/// The instance half of the table.
pub fn instance(status: InstanceStatus) -> Settle<InstanceStatus> {
    use InstanceStatus::*;
    match status {
        Creating => Settle::To(Available, Some(("creation", "DB instance created."))),
        Rebooting => Settle::To(Available, Some(("availability", "DB instance restarted."))),
        // Only a change of instance class puts an instance in `modifying` (RDS-EVENT-0014).
        Modifying => Settle::To(
            Available,
            Some((
                "configuration change",
                "Finished applying modification to DB instance class.",
            )),
        ),
        Stopping => Settle::To(Stopped, Some(("notification", "DB instance stopped."))),
        Starting => Settle::To(Available, Some(("notification", "DB instance started."))),
        Deleting => Settle::Gone,
        // IncompatibleNetwork is only shown, never stored.
        Available | Stopped | Backtracking | IncompatibleNetwork => Settle::Stay,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_transitional_cluster_status_settles_and_settled_ones_stay() {
        use ClusterStatus::*;
        for s in [
            Creating,
            Modifying,
            Stopping,
            Starting,
            FailingOver,
            Rebooting,
            Deleting,
        ] {
            assert_ne!(cluster(s), Settle::Stay, "{s:?}");
        }
        assert_eq!(cluster(Available), Settle::Stay);
        assert_eq!(cluster(Stopped), Settle::Stay);
        assert_eq!(
            cluster(Stopping),
            Settle::To(Stopped, Some(("notification", "DB cluster stopped.")))
        );
        assert_eq!(cluster(Deleting), Settle::Gone);
    }

    #[test]
    fn every_transitional_instance_status_settles() {
        use InstanceStatus::*;
        for s in [Creating, Rebooting, Modifying, Stopping, Starting, Deleting] {
            assert_ne!(instance(s), Settle::Stay, "{s:?}");
        }
        assert_eq!(
            instance(Starting),
            Settle::To(Available, Some(("notification", "DB instance started.")))
        );
    }
}
