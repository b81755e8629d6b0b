/** The task key of an asset partition: the asset key, with `[partition]` when partitioned. */
export function taskKeyOf(assetKey: string, partitionKey: string | null): string {
  return partitionKey === null ? assetKey : `${assetKey}[${partitionKey}]`;
}
