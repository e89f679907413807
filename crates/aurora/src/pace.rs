//! How long each transition takes: a fraction of a second by default, AWS-like minutes on request.

use std::str::FromStr;
use std::time::Duration;

/// The transitions that take time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A cluster being created.
    CreateCluster,
    /// An instance being created.
    CreateInstance,
    /// A modification being applied.
    Modify,
    /// A cluster stopping.
    Stop,
    /// A cluster starting.
    Start,
    /// A failover.
    Failover,
    /// A reboot.
    Reboot,
    /// A cluster being deleted.
    DeleteCluster,
    /// An instance being deleted.
    DeleteInstance,
    /// A backtrack waiting to be applied (PENDING).
    BacktrackStart,
    /// A backtrack being applied (APPLYING), before the volume rewinds.
    BacktrackApply,
    /// A cluster snapshot being taken or copied, before its data is copied.
    Snapshot,
    /// A cluster being restored from a snapshot or to a point in time, before its data is copied.
    Restore,
}

/// A profile of transition durations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pace {
    /// Every transition completes in 100 ms, so `aws rds wait` succeeds on its first poll.
    #[default]
    Fast,
    /// Durations in the range AWS takes, for rehearsing timeouts and polling.
    Realistic,
}

impl Pace {
    /// How long `step` takes under this profile.
    pub fn duration(self, step: Step) -> Duration {
        match self {
            Pace::Fast => Duration::from_millis(100),
            Pace::Realistic => Duration::from_secs(match step {
                Step::CreateCluster => 120,
                Step::CreateInstance => 480,
                Step::Modify => 60,
                Step::Stop => 180,
                Step::Start => 300,
                Step::Failover => 30,
                Step::Reboot => 60,
                Step::DeleteCluster => 120,
                Step::DeleteInstance => 300,
                Step::BacktrackStart => 15,
                Step::BacktrackApply => 60,
                Step::Snapshot => 90,
                Step::Restore => 300,
            }),
        }
    }
}

impl FromStr for Pace {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fast" => Ok(Pace::Fast),
            "realistic" => Ok(Pace::Realistic),
            other => Err(format!(
                "unknown pace '{other}': expected fast or realistic"
            )),
        }
    }
}
