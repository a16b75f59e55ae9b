/**
 * The mexico-coverage-dev dataset labels themes with its own ids; these are the config/topic.yaml
 * themes they correspond to. The dataset's politics-justice ("Mexican politics or justice with a
 * clear bearing on security and US relations") is the topic's extraditions-justice section; its
 * us-cooperation-sovereignty is the topic's us-cooperation. Ids not listed compare as they are.
 */
export const DATASET_THEME_MAP: Readonly<Record<string, string>> = {
  'security-cartels': 'security-cartels',
  'us-cooperation-sovereignty': 'us-cooperation',
  'trade-tariffs': 'trade-tariffs',
  'border-migration': 'border-migration',
  'fentanyl-trafficking': 'fentanyl-trafficking',
  'politics-justice': 'extraditions-justice',
  other: 'other',
};

export function topicTheme(datasetTheme: string): string {
  return DATASET_THEME_MAP[datasetTheme] ?? datasetTheme;
}
