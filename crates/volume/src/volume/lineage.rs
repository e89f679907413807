//! Copy-on-write clones: a volume that shares its parent's data as it was at the clone point
//! and stores only what changes on either side.
//!
//! A clone's tree has two key spaces besides a volume's own: `b` (values inherited from the
//! parent: the parent's value at the clone point, written into the clone just before the
//! parent changes the key) and `x` (the clone's own deletions). A clone reads its overlay,
//! its head, its tombstones, its inherited values, and only then the parent's head, which
//! for any key not inherited is still what it was at the clone point.
//!
//! The parent lists its clones' trees in its meta and, under its meta lock and before its own
//! batch, writes the before-image of every key it changes into each clone that has not
//! inherited that key yet. A crash between the two leaves an inherited value equal to the
//! parent's unchanged head: nothing a reader could tell apart. Making a clone therefore costs
//! the changes since its target time, and every later write on either side costs one more
//! value; nothing grows with the size of the data. Deleting a parent first hands its whole
//! head to its clones.

use std::collections::BTreeSet;

use super::*;

impl Volume {
    /// Makes `dest`, an empty volume, a copy-on-write clone of this volume at `target` (its
    /// last commit at or before it). `dest` is emptied first, so an interrupted clone is simply
    /// made again.
    pub fn clone_into(
        self: &Arc<Self>,
        target: DateTime<Utc>,
        dest: &Arc<Volume>,
    ) -> Result<CommitPoint> {
        let mut meta = self.lock();
        let (landing_lsn, landing_ms) = self.landing_point(&meta, ms(target))?;
        let mut dest_meta = dest.lock();
        dest.store.clear_tree(&dest.tree)?;
        let inherited: Vec<(Vec<u8>, Vec<u8>)> = self
            .values_at(&meta, landing_lsn)?
            .into_iter()
            .map(|(k, v)| {
                (
                    codec::inherited_key(&k),
                    codec::encode_inherited(v.as_deref()),
                )
            })
            .collect();
        for part in inherited.chunks(CHECKPOINT_BATCH_KEYS) {
            let mut batch = Batch::default();
            for (k, v) in part {
                batch.put(k.clone(), v.clone());
            }
            dest.store.apply(&dest.tree, batch)?;
        }
        let next = Meta {
            next_lsn: 1,
            base_time_ms: landing_ms,
            parent: Some(self.tree.clone()),
            layered: true,
            ..Meta::default()
        };
        let mut batch = Batch::default();
        let bytes = serde_json::to_vec(&next).map_err(|e| Error::Corrupt(e.to_string()))?;
        batch.put(codec::META_KEY, bytes);
        dest.store.apply(&dest.tree, batch)?;
        dest.overlay
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        dest.overlay_bytes.store(0, Ordering::Relaxed);
        dest.recent().clear();
        *dest.since.lock().unwrap_or_else(|p| p.into_inner()) = None;
        dest.layered.store(true, Ordering::Release);
        *dest.parent.write().unwrap_or_else(|p| p.into_inner()) = Some(self.clone());
        *dest_meta = next;
        dest.generation.fetch_add(1, Ordering::SeqCst);
        drop(dest_meta);
        let mut pending = Pending::from(&*meta);
        if !pending.next.children.contains(&dest.tree) {
            pending.next.children.push(dest.tree.clone());
        }
        self.finish(&mut meta, pending)?;
        Ok(CommitPoint {
            lsn: landing_lsn,
            time: landing_ms.and_then(ms_to_time).unwrap_or(target),
        })
    }

    /// The tree of the volume this one is a clone of, while it has one: whoever opens
    /// volumes must [`Volume::attach_parent`] that volume's one shared handle.
    pub fn parent_tree(&self) -> Option<String> {
        self.lock().parent.clone()
    }

    /// The trees of this volume's clones.
    pub fn child_trees(&self) -> Vec<String> {
        self.lock().children.clone()
    }

    /// Gives a clone opened from the store the handle of its parent (the same one everything
    /// else uses: a second handle on a tree would not see the first one's commits).
    pub fn attach_parent(&self, parent: Arc<Volume>) -> Result<()> {
        if self.parent_tree().as_deref() != Some(parent.tree.as_str()) {
            return Err(Error::Corrupt(format!(
                "{} is not the parent of {}",
                parent.tree, self.tree
            )));
        }
        *self.parent.write().unwrap_or_else(|p| p.into_inner()) = Some(parent);
        Ok(())
    }

    /// Before this volume is destroyed: every clone inherits whatever it does not have yet of
    /// this volume's head, and stops reading through it; this volume's own parent forgets it.
    pub fn release_clones(&self, children: &[Arc<Volume>]) -> Result<()> {
        let head = self.head_entries()?;
        for child in children {
            let mut batch = Batch::default();
            let mut keys = 0;
            for (k, v) in &head {
                let ik = codec::inherited_key(k);
                if child.store.get(&child.tree, &ik)?.is_none() {
                    batch.put(ik, codec::encode_inherited(Some(v)));
                    keys += 1;
                }
                if keys == CHECKPOINT_BATCH_KEYS {
                    child.store.apply(&child.tree, std::mem::take(&mut batch))?;
                    keys = 0;
                }
            }
            // Keys this volume does not hold are absent for the clone too, from now on.
            child.store.apply(&child.tree, batch)?;
            let mut meta = child.lock();
            let mut pending = Pending::from(&*meta);
            pending.next.parent = None;
            child.finish(&mut meta, pending)?;
            *child.parent.write().unwrap_or_else(|p| p.into_inner()) = None;
        }
        let mut meta = self.lock();
        let mut pending = Pending::from(&*meta);
        pending.next.children.clear();
        self.finish(&mut meta, pending)?;
        drop(meta);
        let parent = self
            .parent
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        if let Some(parent) = parent {
            let mut meta = parent.lock();
            let mut pending = Pending::from(&*meta);
            pending.next.children.retain(|c| *c != self.tree);
            parent.finish(&mut meta, pending)?;
        }
        Ok(())
    }

    /// A clone's value of a key it has not written itself since its last checkpoint.
    pub(super) fn inherited(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        if self.store.get(&self.tree, &codec::gone_key(key))?.is_some() {
            return Ok(None);
        }
        if let Some(stored) = self.store.get(&self.tree, &codec::inherited_key(key))? {
            return Ok(codec::decode_inherited(stored));
        }
        let parent = self
            .parent
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        match parent {
            Some(parent) => parent.get(key),
            None if self.lock().parent.is_some() => Err(Error::Corrupt(format!(
                "{} is a clone whose parent volume is not attached",
                self.tree
            ))),
            None => Ok(None),
        }
    }

    /// Before this volume changes `changes`: each clone that has not inherited a key yet gets
    /// its value as it is now (the before-image), in the clone's own durable batch.
    pub(super) fn push_to_children(&self, meta: &Meta, changes: &[Change<'_>]) -> Result<()> {
        for child in &meta.children {
            let mut batch = Batch::default();
            for change in changes {
                let k = codec::inherited_key(change.key);
                if self.store.get(child, &k)?.is_none() {
                    batch.put(k, codec::encode_inherited(change.before));
                }
            }
            if !batch.is_empty() {
                self.store.apply(child, batch)?;
            }
        }
        Ok(())
    }

    /// The whole head, in key order, through every layer.
    pub(super) fn head_entries(&self) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        if !self.layered.load(Ordering::Acquire) {
            return self.scan_prefix(b"");
        }
        let mut keys: BTreeSet<Vec<u8>> = BTreeSet::new();
        for prefix in [b'd', b'b'] {
            for (k, _) in self.store.scan_prefix(&self.tree, &[prefix])? {
                keys.insert(k[1..].to_vec());
            }
        }
        keys.extend(self.overlay().keys().map(|k| k.to_vec()));
        let parent = self
            .parent
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        if let Some(parent) = parent {
            keys.extend(parent.head_entries()?.into_iter().map(|(k, _)| k));
        }
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            if let Some(v) = self.get(&k)? {
                out.push((k, v));
            }
        }
        Ok(out)
    }
}
