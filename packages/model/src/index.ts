export * from './types.ts';
export { computeModel, explainModel } from './model.ts';
