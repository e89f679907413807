//! Time: the emulator's controls (reset, clock) and the driver that settles transitions.

use super::*;

impl Aurora {
    /// Wipes every resource and event (the `/_rewind/reset` endpoint).
    pub fn reset(&self) -> Result<()> {
        let mut state = self.lock();
        self.inner.store.clear_all()?;
        *state = State::default();
        self.inner.forget_backups_next();
        self.inner
            .volumes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        self.bump();
        drop(state);
        self.persist_clock()?;
        self.inner.wake.notify_one();
        Ok(())
    }

    /// Moves the clock forward (the `/_rewind/clock` endpoint); due transitions fire at once.
    /// Refused (InvalidParameterValue, saying the range) past the end of year 9999.
    pub fn advance_clock(&self, by: Duration) -> Result<DateTime<Utc>> {
        self.inner.env.clock.advance(by).map_err(|room| {
            Error::InvalidParameterValue(format!(
                "advance_seconds must be between 0 and {room}: the clock may not pass {}",
                crate::env::latest_time().format("%Y-%m-%dT%H:%M:%SZ")
            ))
        })?;
        self.bump();
        self.persist_clock()?;
        // Settle what came due before answering, so the next Describe already shows it; the
        // driver picks up the volume work (backtracks, copies) from the state as always.
        self.settle_due()?;
        self.inner.wake.notify_one();
        Ok(self.inner.env.clock.now())
    }

    pub(super) fn persist_clock(&self) -> Result<()> {
        let mut batch = Batch::default();
        batch.put(CLOCK_KEY, self.inner.env.clock.offset_ms().to_string());
        Ok(self.inner.store.apply(TREE, batch)?)
    }

    /// Drives transitions in time forever: settles everything due, applies due backtracks to
    /// their volumes, starts due copies beside itself, then sleeps until the next due time or
    /// until a mutation (or a copy that ends) wakes it. Spawn it once per service.
    ///
    /// A backtrack costs the changes since its target and runs here, in turn; a copy costs the
    /// size of the data (seconds per million rows), so it runs on a task of its own and the
    /// driver goes on settling other clusters' transitions and backtracks meanwhile.
    pub async fn run_driver(self) {
        loop {
            let next = match self.settle_due() {
                Ok((next, jobs, copies)) => {
                    self.start_copies(copies);
                    if !jobs.is_empty() {
                        for job in jobs {
                            self.apply_backtrack(job).await;
                        }
                        continue;
                    }
                    next
                }
                Err(e) => {
                    tracing::error!(error = %e, "settling due transitions failed; retrying");
                    Some(self.inner.env.clock.now() + TimeDelta::seconds(1))
                }
            };
            match next {
                Some(at) => {
                    let deadline = self.inner.env.clock.deadline(at);
                    tokio::select! {
                        _ = tokio::time::sleep_until(deadline) => {}
                        _ = self.inner.wake.notified() => {}
                    }
                }
                None => self.inner.wake.notified().await,
            }
        }
    }

    /// Settles every transition due by now. Returns the next due time and the backtracks whose
    /// volume work is due (run by the caller outside the state lock).
    #[allow(clippy::type_complexity)]
    pub(super) fn settle_due(
        &self,
    ) -> Result<(Option<DateTime<Utc>>, Vec<BacktrackJob>, Vec<CopyJob>)> {
        let mut state = self.lock();
        let now = self.inner.env.clock.now();
        let mut tx = Tx {
            state: &mut state,
            touched: Touched::default(),
            now,
            inner: &self.inner,
        };
        tx.settle();
        let backup_due = tx.settle_backups_when_due();
        let volume_due = tx.settle_retention()?;
        tx.prune_events();
        let jobs = tx.backtrack_jobs()?;
        let copies = tx.copy_jobs()?;
        let batch = tx.batch()?;
        if !batch.is_empty() {
            self.inner.store.apply(TREE, batch)?;
        }
        // A copy that is due waits for its task (or a free slot), which wakes the driver when
        // it ends: its due time is no reason to wake.
        let next = state
            .clusters
            .values()
            .filter(|c| c.restore.is_none())
            .filter_map(|c| c.due)
            .chain(
                state
                    .clusters
                    .values()
                    .filter(|c| c.restore.is_some())
                    .filter_map(|c| c.due.filter(|d| *d > now)),
            )
            .chain(state.instances.values().filter_map(|i| i.due))
            .chain(state.backtracks.values().filter_map(|b| b.due))
            .chain(state.snapshots.values().filter_map(|s| match &s.copy_from {
                Some(_) if s.status == SnapshotStatus::Creating => s.due.filter(|d| *d > now),
                _ => s.due,
            }))
            .chain(volume_due)
            .chain(backup_due)
            .min();
        drop(state);
        self.bump();
        Ok((next, jobs, copies))
    }

    /// Starts each due copy that is not running yet on a task of its own, as long as fewer than
    /// [`MAX_COPIES_AT_ONCE`] run; the others start when one ends (it wakes the driver).
    fn start_copies(&self, copies: Vec<CopyJob>) {
        let mut running = self.inner.copying.lock().unwrap_or_else(|p| p.into_inner());
        for job in copies {
            if running.contains(&job.target) {
                continue;
            }
            if running.len() >= MAX_COPIES_AT_ONCE {
                break;
            }
            running.insert(job.target.clone());
            let this = self.clone();
            tokio::spawn(async move { this.apply_copy(job).await });
        }
    }

    /// Makes one copy (a snapshot's data, a restored cluster's) off the async workers, records
    /// the outcome, then frees its slot and wakes the driver. The slot is freed only after the
    /// outcome is recorded, so the driver never starts the same copy twice; when recording
    /// fails, a second later, so the driver makes the copy again (as after a restart).
    pub(super) async fn apply_copy(&self, job: CopyJob) {
        let CopyJob {
            target,
            source,
            at,
            dest,
            clone,
        } = job;
        let copy = move || match clone {
            true => source.clone_into(at, &dest),
            false => source.copy_into(at, &dest),
        };
        let outcome = match tokio::task::spawn_blocking(copy).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(e) => Err(format!("the copy task stopped: {e}")),
        };
        if let Err(e) = self.finish_copy(&target, outcome) {
            tracing::error!(error = %e, ?target, "recording the copy outcome failed; will retry");
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        self.inner
            .copying
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&target);
        self.inner.wake.notify_one();
    }

    /// Runs one backtrack's volume work off the async workers, then records the outcome.
    pub(super) async fn apply_backtrack(&self, job: BacktrackJob) {
        let outcome = if job.fail {
            Err("the fault injected through /_rewind/faults".to_owned())
        } else {
            let (volume, id, target, now) = (
                job.volume.clone(),
                job.key.1.clone(),
                job.target,
                self.inner.env.clock.now(),
            );
            match tokio::task::spawn_blocking(move || volume.backtrack_to(&id, target, now)).await {
                Ok(Ok(landing)) => Ok(landing),
                Ok(Err(e)) => Err(e.to_string()),
                Err(e) => Err(format!("the backtrack task stopped: {e}")),
            }
        };
        if let Err(e) = self.finish_backtrack(&job.key, outcome) {
            tracing::error!(error = %e, backtrack = job.key.1, "recording the backtrack outcome failed; will retry");
        }
    }

    pub(super) fn finish_backtrack(
        &self,
        k: &Key,
        outcome: std::result::Result<volume::Landing, String>,
    ) -> Result<()> {
        self.mutate(|tx| {
            let Some(bt) = tx.state.backtracks.get(k).cloned() else {
                return Ok(());
            };
            if bt.status != BacktrackStatus::Applying {
                return Ok(());
            }
            let ck = key(&bt.region, &bt.cluster_id);
            let arn = tx.arn("cluster", &bt.region, &bt.cluster_id);
            let mut done = bt.clone();
            done.due = None;
            let message = match outcome {
                Ok(landing) => {
                    let at = landing.time().unwrap_or(bt.target);
                    done.status = BacktrackStatus::Completed;
                    done.landed_at = Some(at);
                    format!(
                        "Backtrack {} completed: the cluster is at {} ({} change records undone).",
                        bt.id,
                        rds_time(at),
                        landing.undone
                    )
                }
                Err(reason) => {
                    done.status = BacktrackStatus::Failed;
                    done.failure = Some(reason.clone());
                    format!(
                        "Backtrack {} failed: {reason}. The data is as it was before the request.",
                        bt.id
                    )
                }
            };
            tx.state.backtracks.insert(k.clone(), done);
            tx.touched.backtracks.insert(k.clone());
            if let Some(c) = tx.cluster_mut(&ck) {
                c.status = ClusterStatus::Available;
                c.fail_next_backtrack = false;
            }
            let members: Vec<Key> = tx
                .members_of(&bt.region, &bt.cluster_id)
                .filter(|i| i.status == InstanceStatus::Backtracking)
                .map(|i| key(&i.region, &i.id))
                .collect();
            for ik in members {
                tx.instance_mut(&ik).expect("member exists").status = InstanceStatus::Available;
            }
            tx.event(
                &bt.region,
                &bt.cluster_id,
                SourceType::DbCluster,
                arn,
                "backtrack",
                message,
            );
            Ok(())
        })
    }
}
