//! Which MySQL endpoints a cluster should have open, as the data plane reads them.

mod common;

use std::sync::Arc;
use std::time::Duration;

use aurora::endpoints::{EndpointRole, EndpointSpec};
use aurora::*;
use common::*;
use store::MemoryStore;

fn find<'a>(specs: &'a [EndpointSpec], role: &EndpointRole) -> &'a EndpointSpec {
    specs
        .iter()
        .find(|s| &s.role == role)
        .unwrap_or_else(|| panic!("no {role:?} in {specs:?}"))
}

#[tokio::test(start_paused = true)]
async fn endpoints_follow_roles_and_lifecycle() {
    let a = service(Arc::new(MemoryStore::new()), Pace::Fast);
    a.create_cluster(R, new_cluster("c")).unwrap();
    assert!(a.endpoints().is_empty(), "no instances, no endpoints");
    a.create_instance(R, new_instance("w", "c")).unwrap();
    a.create_instance(R, new_instance("r", "c")).unwrap();
    let changes = a.changes();
    wait(Duration::from_secs(1)).await;
    assert!(
        changes.has_changed().unwrap(),
        "settling the creates is a change"
    );

    let specs = a.endpoints();
    assert_eq!(specs.len(), 4);
    let writer = find(&specs, &EndpointRole::Writer);
    let reader = find(&specs, &EndpointRole::Reader);
    assert_eq!((writer.read_only, writer.accepting), (false, true));
    assert_eq!((reader.read_only, reader.accepting), (true, true));
    assert!(find(&specs, &EndpointRole::Instance("r".into())).read_only);
    assert!(!find(&specs, &EndpointRole::Instance("w".into())).read_only);
    assert_eq!(
        writer.credentials,
        ("admin".to_owned(), "secret123".to_owned())
    );
    assert_eq!(writer.addr.port(), 3306);
    // What Describe shows is what the endpoints listen on.
    let view = cluster(&a, "c");
    assert_eq!(view.endpoint, writer.addr.ip().to_string());
    assert_eq!(view.reader_endpoint, reader.addr.ip().to_string());
    let inst = a
        .describe_instances(R, Some("r"), &[], &Paging::default())
        .unwrap()
        .items
        .remove(0);
    assert_eq!(
        inst.address,
        find(&specs, &EndpointRole::Instance("r".into()))
            .addr
            .ip()
            .to_string()
    );

    // Backtracking closes everything until it is done.
    a.backtrack_cluster(R, "c", a.env().clock.now(), false, false)
        .unwrap();
    assert!(a.endpoints().iter().all(|s| !s.accepting));
    wait(Duration::from_secs(1)).await;
    assert!(a.endpoints().iter().all(|s| s.accepting));

    // Failover moves the writer role; the old writer's own endpoint becomes read-only.
    a.failover_cluster(R, "c", Some("r")).unwrap();
    wait(Duration::from_secs(1)).await;
    let specs = a.endpoints();
    assert!(!find(&specs, &EndpointRole::Instance("r".into())).read_only);
    assert!(find(&specs, &EndpointRole::Instance("w".into())).read_only);

    // With no reader left, the reader endpoint reaches the writer, writable, as on AWS.
    a.delete_instance(R, "w").unwrap();
    wait(Duration::from_secs(1)).await;
    let specs = a.endpoints();
    let reader = find(&specs, &EndpointRole::Reader);
    assert_eq!((reader.read_only, reader.accepting), (false, true));
    assert_eq!(specs.len(), 3);

    // A second cluster gets its own block of addresses on the same port.
    a.create_cluster(R, new_cluster("d")).unwrap();
    a.create_instance(R, new_instance("d1", "d")).unwrap();
    wait(Duration::from_secs(1)).await;
    let specs = a.endpoints();
    let mut addrs: Vec<_> = specs.iter().map(|s| s.addr).collect();
    addrs.sort();
    addrs.dedup();
    assert_eq!(
        addrs.len(),
        specs.len(),
        "every endpoint has its own address"
    );
}
