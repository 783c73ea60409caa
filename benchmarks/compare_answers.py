"""Ask two placement servers holding the same data the same provider
queries and report every answer that differs.

    python benchmarks/compare_answers.py http://127.0.0.1:8001 \
        http://127.0.0.1:8002 [--queries FILE]

Both servers must have been seeded identically (for example with
``placement-bench seed`` or ``benchmarks/seed.py`` using the same seed).
The default queries cover every feature of the candidate search at the
microversions that change it; aggregate and provider uuids are read from
the first server. Answers are compared order-independently: allocation
requests are sorted, mapping lists and traits too. Queries with ``limit``
are compared by the number of allocation requests only (which candidates
a limit keeps is unspecified). Exit status 1 when anything differs.
"""
import argparse
import http.client
import json
import sys
import urllib.parse

PERFLOAD_AGG = '14a5c8a3-5a99-4e8f-88be-00d85fcb1c17'


def get(base, path, version):
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
    conn.request('GET', path, headers={
        'x-auth-token': 'admin', 'accept': 'application/json',
        'openstack-api-version': 'placement %s' % version})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    try:
        return resp.status, json.loads(body)
    except ValueError:
        return resp.status, body.decode('utf-8', 'replace')


def _canonical_request(areq):
    allocations = areq['allocations']
    if isinstance(allocations, list):
        allocations = sorted(allocations, key=lambda a: json.dumps(
            a, sort_keys=True))
    mappings = {k: sorted(v) for k, v in areq.get('mappings', {}).items()}
    return json.dumps({'allocations': allocations, 'mappings': mappings},
                      sort_keys=True)


def canonical(path, status, body):
    if status != 200 or not isinstance(body, dict):
        if isinstance(body, dict) and 'errors' in body:
            error = body['errors'][0]
            return status, error.get('code'), error['detail']
        return status, body
    if 'allocation_requests' in body:
        requests = sorted(_canonical_request(a)
                          for a in body['allocation_requests'])
        if 'limit=' in path:
            return status, len(requests)
        summaries = body['provider_summaries']
        for summary in summaries.values():
            if 'traits' in summary:
                summary['traits'] = sorted(summary['traits'])
        return status, requests, json.dumps(summaries, sort_keys=True)
    if 'resource_providers' in body:
        return status, sorted(json.dumps(p, sort_keys=True)
                              for p in body['resource_providers'])
    return status, body


def default_queries(base):
    _s, body = get(base, '/resource_providers', '1.14')
    providers = body['resource_providers']
    aggs = set()
    for rp in providers[::37]:
        _s, agg_body = get(base, '/resource_providers/%s/aggregates'
                           % rp['uuid'], '1.19')
        aggs.update(agg_body['aggregates'])
    aggs.discard(PERFLOAD_AGG)
    aggs = sorted(aggs)
    other = aggs[0] if aggs else PERFLOAD_AGG
    other2 = aggs[-1] if aggs else PERFLOAD_AGG
    child = next((rp for rp in providers
                  if rp['parent_provider_uuid']), providers[0])
    root = child['root_provider_uuid']
    simple = 'resources=VCPU:1,MEMORY_MB:256,DISK_GB:10'
    nested = ('resources=DISK_GB:10&required=COMPUTE_VOLUME_MULTI_ATTACH'
              '&root_required=!COMPUTE_STATUS_DISABLED'
              '&resources1=VCPU:2,MEMORY_MB:1024&required1=HW_NUMA_ROOT'
              '&resources2=SRIOV_NET_VF:1,NET_BW_EGR_KILOBIT_PER_SEC:100000'
              '&required2=CUSTOM_VNIC_TYPE_DIRECT,CUSTOM_PHYSNET_PHYSNET0'
              '&resources3=SRIOV_NET_VF:1&required3=CUSTOM_VNIC_TYPE_DIRECT'
              '&group_policy=isolate&same_subtree=1,2,3')
    ac = '/allocation_candidates?'
    queries = [
        ('1.10', ac + simple),
        ('1.12', ac + simple),
        ('1.16', ac + simple + '&limit=7'),
        ('1.17', ac + simple + '&required=HW_CPU_X86_AVX2'),
        ('1.21', ac + simple + '&member_of=' + PERFLOAD_AGG),
        ('1.22', ac + simple + '&required=!HW_CPU_X86_AVX2,HW_CPU_X86_SSE42'),
        ('1.24', ac + simple + '&member_of=in:%s,%s&member_of=%s'
         % (PERFLOAD_AGG, other, other2)),
        ('1.25', ac + 'resources1=VCPU:1,MEMORY_MB:256&resources2=DISK_GB:10'
         '&group_policy=none'),
        ('1.25', ac + 'resources1=VCPU:1&resources2=DISK_GB:10'
         '&group_policy=isolate'),
        ('1.26', ac + 'resources=VCPU:1'),
        ('1.27', ac + 'resources=VCPU:1'),
        ('1.28', ac + 'resources=VCPU:1,SRIOV_NET_VF:1'),
        ('1.28', ac + 'resources=DISK_GB:10,SRIOV_NET_VF:1'),
        ('1.29', ac + 'resources=VCPU:1,SRIOV_NET_VF:1'),
        ('1.29', ac + 'resources=VCPU:2,SRIOV_NET_VF:1,DISK_GB:100'),
        ('1.31', ac + 'resources=VCPU:1,SRIOV_NET_VF:1&in_tree=' + root),
        ('1.31', ac + 'resources=SRIOV_NET_VF:1&in_tree=' + child['uuid']),
        ('1.31', ac + 'resources1=VCPU:1&in_tree1=%s&resources2=DISK_GB:5'
         '&group_policy=none' % root),
        ('1.32', ac + simple + '&member_of=!' + PERFLOAD_AGG),
        ('1.32', ac + simple + '&member_of=!in:%s,%s' % (other, other2)),
        ('1.33', ac + 'resources_CPU=VCPU:1&resources_NET=SRIOV_NET_VF:2'
         '&required_NET=CUSTOM_PHYSNET_PHYSNET1&group_policy=none'),
        ('1.34', ac + 'resources=VCPU:1,MEMORY_MB:256&resources_D=DISK_GB:1'
         '&group_policy=none'),
        ('1.35', ac + simple + '&root_required=HW_CPU_X86_AVX2,'
         '!COMPUTE_STATUS_DISABLED'),
        ('1.36', ac + nested),
        ('1.36', ac + nested.replace('isolate', 'none')),
        ('1.36', ac + 'resources_A=SRIOV_NET_VF:1&resources_B=SRIOV_NET_VF:1'
         '&required_N=HW_NUMA_ROOT&same_subtree=_N,_A,_B&group_policy=none'),
        ('1.36', ac + 'resources=VCPU:1,DISK_GB:10&required_N=HW_NUMA_ROOT,'
         'CUSTOM_BENCH_FOO&resources_V=SRIOV_NET_VF:1'
         '&same_subtree=_N,_V&group_policy=isolate'),
        ('1.39', ac + simple + '&required=STORAGE_DISK_SSD'),
        ('1.39', ac + simple + '&required=in:HW_CPU_X86_AVX2,'
         'HW_CPU_X86_SSE42&required=!COMPUTE_STATUS_DISABLED'),
        ('1.39', ac + 'resources=VCPU:1,DISK_GB:10&required=in:'
         'STORAGE_DISK_SSD,CUSTOM_BENCH_GOLD'),
        ('1.39', ac + 'resources=CUSTOM_BENCH_NVME:1,VCPU:1'),
        ('1.39', ac + 'resources=VCPU:1,DISK_GB:10&member_of=' + other),
        ('1.39', ac + 'resources=VCPU:1&resources1=DISK_GB:10&member_of1='
         + other),
        ('1.39', ac + simple + '&limit=10'),
        ('1.39', ac + nested + '&limit=3'),
        ('1.39', ac + 'resources=VCPU:1&in_tree=00000000-0000-0000-0000-'
         '000000000001'),
        ('1.39', '/resource_providers?resources=VCPU:1,MEMORY_MB:256,'
         'DISK_GB:10'),
        ('1.39', '/resource_providers?required=HW_CPU_X86_AVX2,'
         '!COMPUTE_STATUS_DISABLED&member_of=' + PERFLOAD_AGG),
        ('1.39', '/resource_providers?in_tree=' + child['uuid']),
        ('1.39', '/resource_providers?required=in:HW_NUMA_ROOT,'
         'STORAGE_DISK_SSD&required=!CUSTOM_BENCH_FOO'),
        ('1.39', '/resource_providers?member_of=!in:%s,%s' % (other, other2)),
    ]
    return queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('a')
    parser.add_argument('b')
    parser.add_argument('--queries', help='file of "VERSION PATH" lines')
    args = parser.parse_args()
    if args.queries:
        with open(args.queries) as f:
            queries = [tuple(line.split(None, 1)) for line in f
                       if line.strip() and not line.startswith('#')]
    else:
        queries = default_queries(args.a)
    differ = 0
    for version, path in queries:
        path = path.strip()
        answer_a = canonical(path, *get(args.a, path, version))
        answer_b = canonical(path, *get(args.b, path, version))
        size = (len(answer_a[1]) if len(answer_a) > 1 and
                isinstance(answer_a[1], list) else answer_a[1:2])
        if answer_a == answer_b:
            print('same    %s %s (%s)' % (version, path[:110], size))
        else:
            differ += 1
            print('DIFFER  %s %s' % (version, path))
            print('   a: %s' % str(answer_a)[:600])
            print('   b: %s' % str(answer_b)[:600])
    print('%d of %d queries differ' % (differ, len(queries)))
    return 1 if differ else 0


if __name__ == '__main__':
    sys.exit(main())
