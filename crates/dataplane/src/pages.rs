//! A cluster's SQLite pages in its storage volume: the page store the SQL engine runs on.
//!
//! Reads come from the volume's head; a SQLite commit becomes one [`Aurora::commit`] (which
//! refuses it while the cluster cannot take writes, and which a backtrack orders against);
//! a backtrack changes the head under the engine, which [`Volume::generation`] tells it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aurora::{Aurora, Transaction, Volume};
use mysql_dialect::{AutoIncrements, UserLocks};
use pagevfs::{PageSpace, PageStore, SpaceConfig, StoreWrite};

/// One cluster's volume as a page store.
struct VolumeStore {
    aurora: Aurora,
    region: String,
    cluster_id: String,
    volume: Arc<Volume>,
}

impl PageStore for VolumeStore {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, String> {
        self.volume.get(key).map_err(|e| e.to_string())
    }

    fn commit(&self, writes: Vec<StoreWrite>) -> Result<(), String> {
        let mut txn = Transaction::new();
        for (key, value) in writes {
            match value {
                Some(v) => txn.put(key, v),
                None => txn.delete(key),
            }
        }
        self.aurora
            .commit(&self.region, &self.cluster_id, txn)
            .map(|_| ())
            .map_err(|e| e.message())
    }

    fn generation(&self) -> u64 {
        self.volume.generation()
    }
}

/// What a cluster's sessions share: its pages, AUTO_INCREMENT marks and GET_LOCK locks.
type Engine = (Arc<PageSpace>, Arc<AutoIncrements>, Arc<UserLocks>);

/// One cluster's shared engine state.
type Open = (
    Arc<Volume>,
    Arc<PageSpace>,
    Arc<AutoIncrements>,
    Arc<UserLocks>,
);

/// The page space of every cluster the data plane has served, one per volume: sessions of one
/// cluster share it (snapshots, the writer lock, the page cache), its AUTO_INCREMENT marks and
/// its GET_LOCK locks.
#[derive(Default)]
pub(crate) struct Spaces {
    open: Mutex<HashMap<(String, String), Open>>,
}

impl Spaces {
    /// The page space of a cluster's current volume (a cluster deleted and created again
    /// under the same name gets a new one).
    pub(crate) fn space(
        &self,
        aurora: &Aurora,
        region: &str,
        cluster_id: &str,
    ) -> Result<Engine, String> {
        let volume = aurora.volume(region, cluster_id).map_err(|e| e.message())?;
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let key = (region.to_owned(), cluster_id.to_owned());
        if let Some((v, space, marks, locks)) = open.get(&key) {
            if Arc::ptr_eq(v, &volume) {
                return Ok((space.clone(), marks.clone(), locks.clone()));
            }
        }
        let store = VolumeStore {
            aurora: aurora.clone(),
            region: region.to_owned(),
            cluster_id: cluster_id.to_owned(),
            volume: volume.clone(),
        };
        let space = PageSpace::new(Arc::new(store), SpaceConfig::default());
        let marks = Arc::new(AutoIncrements::default());
        let locks = Arc::new(UserLocks::default());
        open.insert(key, (volume, space.clone(), marks.clone(), locks.clone()));
        Ok((space, marks, locks))
    }
}
