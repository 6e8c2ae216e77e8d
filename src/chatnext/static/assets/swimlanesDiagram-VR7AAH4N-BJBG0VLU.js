import{c as r,s as e}from"./flowDiagram-HODETNUW-B23yviUK.js";import{_ as a}from"./mermaid.core-Did7K3WM.js";import"./chunk-5VM5RSS4-B0MYr9rE.js";import"./chunk-XXDRQBXY-2kmZ8N1R.js";import"./chunk-POPQ4Y6H-DgdrvquL.js";import"./chunk-F27PBJKO-DH0y9Bd8.js";import"./index-Cr58eU4J.js";import"./channel-9yVOjRre.js";import"./_commonjsHelpers-CqkleIqs.js";var o=a(t=>`${e(t)}
  .swimlane.cluster rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,"getStyles"),m=o,y=r({defaultLayout:"swimlane",styles:m});export{y as diagram};
