/**
 * The data services, as operator resources: Kafka through Strimzi (KRaft: a node pool, no ZooKeeper) and
 * Elasticsearch through ECK. The operators themselves are cluster-wide and installed once (README).
 */
import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from './config.ts';

export const kafkaVersion = '3.9.0';
export const elasticsearchVersion = '9.0.0';

export interface DataServices {
  /** host:port of Kafka's plain listener inside the cluster. */
  readonly kafkaBootstrap: string;
  /** host:port of Elasticsearch's HTTP endpoint inside the cluster. */
  readonly elasticsearchHost: string;
}

export function deployDataServices(config: StackConfig, opts: pulumi.CustomResourceOptions): DataServices {
  const ns = config.namespace;
  const storage = (gi: number) => ({
    type: 'persistent-claim',
    size: `${gi}Gi`,
    deleteClaim: false,
    ...(config.storageClass === undefined ? {} : { class: config.storageClass }),
  });
  const replicas = config.kafka.replicas;
  new k8s.apiextensions.CustomResource(
    'kafka-pool',
    {
      apiVersion: 'kafka.strimzi.io/v1beta2',
      kind: 'KafkaNodePool',
      metadata: { name: 'pool', namespace: ns, labels: { 'strimzi.io/cluster': 'insitechart' } },
      spec: { replicas, roles: ['controller', 'broker'], storage: storage(config.kafka.storageGi) },
    },
    opts,
  );
  const minIsr = Math.min(2, replicas);
  new k8s.apiextensions.CustomResource(
    'kafka',
    {
      apiVersion: 'kafka.strimzi.io/v1beta2',
      kind: 'Kafka',
      metadata: {
        name: 'insitechart',
        namespace: ns,
        annotations: { 'strimzi.io/node-pools': 'enabled', 'strimzi.io/kraft': 'enabled' },
      },
      spec: {
        kafka: {
          version: kafkaVersion,
          listeners: [
            {
              name: 'plain',
              port: 9092,
              type: 'internal',
              tls: false,
              // Strimzi turns these into the listener's NetworkPolicy; KEDA's operator reads consumer lag.
              networkPolicyPeers: [
                { podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'insitechart' } } },
                { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'keda' } } },
              ],
            },
          ],
          config: {
            'default.replication.factor': replicas,
            'min.insync.replicas': minIsr,
            'offsets.topic.replication.factor': replicas,
            'transaction.state.log.replication.factor': replicas,
            'transaction.state.log.min.isr': minIsr,
            // The platform creates its catalog's topics itself (partitions from BUS_PARTITIONS).
            'auto.create.topics.enable': false,
          },
        },
        entityOperator: { topicOperator: {}, userOperator: {} },
      },
    },
    opts,
  );

  new k8s.apiextensions.CustomResource(
    'elasticsearch',
    {
      apiVersion: 'elasticsearch.k8s.elastic.co/v1',
      kind: 'Elasticsearch',
      metadata: { name: 'insitechart', namespace: ns },
      spec: {
        version: elasticsearchVersion,
        // Inside the cluster only, behind the NetworkPolicy; the elastic user's password is still required.
        http: { tls: { selfSignedCertificate: { disabled: true } } },
        nodeSets: [
          {
            name: 'default',
            count: config.elasticsearch.nodes,
            config: { 'node.store.allow_mmap': false },
            podTemplate: {
              spec: {
                containers: [
                  {
                    name: 'elasticsearch',
                    resources: { requests: { memory: '2Gi', cpu: '500m' }, limits: { memory: '2Gi' } },
                  },
                ],
              },
            },
            volumeClaimTemplates: [
              {
                metadata: { name: 'elasticsearch-data' },
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  resources: { requests: { storage: `${config.elasticsearch.storageGi}Gi` } },
                  ...(config.storageClass === undefined ? {} : { storageClassName: config.storageClass }),
                },
              },
            ],
          },
        ],
      },
    },
    opts,
  );

  return {
    kafkaBootstrap: `insitechart-kafka-bootstrap.${ns}.svc:9092`,
    elasticsearchHost: `insitechart-es-http.${ns}.svc:9200`,
  };
}
